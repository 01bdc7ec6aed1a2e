"""The category suggestion: while a citizen types an appeal, the likeliest category, from a
text classifier trained on past appeals (and a generated corpus on a fresh install)."""
