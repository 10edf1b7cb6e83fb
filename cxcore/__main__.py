import sys

from cxcore.cli import main

sys.exit(main())
