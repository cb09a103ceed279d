"""`reelforge mcp`: the agent surface. Tools call the same library functions as the CLI, never the CLI."""
