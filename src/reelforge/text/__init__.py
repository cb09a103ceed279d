"""Text as a viewer reads it: which writing system a string uses, how it breaks into lines, which font draws it."""
