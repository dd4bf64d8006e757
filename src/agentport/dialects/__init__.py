"""One module per dialect; :mod:`agentport.registry` finds them by name."""
