"""The command line: thin Click commands over the xenvirsh library."""
