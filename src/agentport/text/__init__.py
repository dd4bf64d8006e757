"""Text machinery shared by every dialect: frontmatter, YAML, Markdown, page copies."""
