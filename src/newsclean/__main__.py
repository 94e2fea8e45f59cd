import sys

from newsclean._cli.main import main

sys.exit(main())
