import sys

from ingresslab.cli import main

sys.exit(main())
