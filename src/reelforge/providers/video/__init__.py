"""Video vendor adapters behind one Protocol.

Ark Seedance 2.0, the fal queue (InfiniteTalk, Kling motion control) and the local animatic.
"""
