"""Rule sets: loading and validating rule files (``registry``), checking them with their examples
(``checking``), and the one chooser of the version that judges each purchase (``versions``).
"""
