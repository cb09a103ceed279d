"""Content credentials (C2PA) for rendered videos: what went in, signed (optional extra `[credentials]`)."""
