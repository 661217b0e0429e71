"""The Streamlit app's pages and what they share: thin scripts over the library.

May import every library package and Streamlit; never ``voice.cli``. ``voice/`` outside this package
never imports Streamlit.
"""
