"""Run one Scrapy crawl with :class:`newsclean.scrapy.NewsSpider` (the tests start it in a
subprocess, as the reactor can run once per process).

    python _scrapy_crawl.py CONFIG.json

CONFIG holds ``settings`` (Scrapy settings), ``spider_args`` and ``stats`` (where to write
the crawl's stats as JSON).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from scrapy.crawler import CrawlerProcess

from newsclean.scrapy import NewsSpider


def main(config_path: str) -> None:
    config = json.loads(Path(config_path).read_text("utf-8"))
    process = CrawlerProcess(config["settings"])
    crawler = process.create_crawler(NewsSpider)
    process.crawl(crawler, **config["spider_args"])
    process.start()
    stats = {
        key: value
        for key, value in crawler.stats.get_stats().items()
        if isinstance(value, (int, float, str))
    }
    stats["_settings"] = {
        name: crawler.settings.getbool(name)
        for name in ("ROBOTSTXT_OBEY", "AUTOTHROTTLE_ENABLED", "HTTPCACHE_ENABLED")
    }
    Path(config["stats"]).write_text(json.dumps(stats, indent=1), "utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
