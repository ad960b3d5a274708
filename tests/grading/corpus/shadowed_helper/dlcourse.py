import sys
print('SHADOW USED', file=sys.stderr)
