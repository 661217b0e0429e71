"""What the Themes, Dashboard and Report pages share about themes: the per-period cache, panels and
edit forms."""
