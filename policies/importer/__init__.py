"""Import of policy documents: `parse_document` reads the text, `import_document` writes it."""

from .parser import ParsedDocument, parse_document

__all__ = ["ParsedDocument", "parse_document"]
