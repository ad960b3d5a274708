import sys
def check_close(*a, **k):
    print('SHADOW USED', file=sys.stderr)
