# qunguan: the bot only. The gateway holding the WeChat login runs in its own container
# (see docker-compose.yml and README "Connecting to a real gateway").
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md constraints.txt ./
COPY bot ./bot
COPY plugins ./plugins
COPY db ./db
COPY migrations ./migrations
RUN pip install -c constraints.txt '.[postgres]' && rm -rf /src

RUN useradd --create-home --uid 10001 qunguan \
    && mkdir -p /data /config \
    && chown qunguan:qunguan /data
COPY --chown=root:root rules.yaml /config/rules.yaml

USER qunguan
# the anti-spam word segmenter's compact dictionary, built once here instead of at each start
RUN python -m plugins.antispam.segment warm
WORKDIR /data
ENV QUNGUAN_DATABASE_URL=sqlite:////data/qunguan.db \
    QUNGUAN_CACHE_DIR=/data/cache

# Migrate, then run. `qunguan run` would also upgrade on start; doing it first makes a failed
# migration stop the container with a clear log line instead of a half-started bot.
CMD ["sh", "-c", "qunguan db upgrade && exec qunguan run --rules /config/rules.yaml --no-console"]
