# tekun: one image for the web application and the scheduler (docs/operations.md, "Docker").
#
#   docker build -t tekun .
#   docker volume create tekun-data
#   docker run --rm -v tekun-data:/data tekun db upgrade                       # once, and after every upgrade
#   docker run --rm -it -v tekun-data:/data tekun user create admin --role admin
#   docker run -d --name tekun-web -p 8000:8000 -v tekun-data:/data tekun        # web (the default command)
#   docker run -d --name tekun-scheduler --no-healthcheck -v tekun-data:/data tekun scheduler
#
# `tekun db upgrade` must have run once before `serve` or `scheduler`: the image does not migrate
# on start (there is no entrypoint script). It also creates /data/secret.key when
# TEKUN_SECRET_KEY is not set, so web and scheduler never race to create it.
# The HEALTHCHECK probes the web server; run the scheduler with --no-healthcheck.
# `tekun scheduler` is the scheduler process (scheduler/main.py): exactly one per deployment (a
# second exits with code 2), catching up on start what it missed while down; `docker stop`
# (SIGTERM) stops it cleanly. With SQLite both containers share the /data volume on one host.
# --- build: the wheel, from the repository (setup.py puts templates/ and the compiled catalogs in)
FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
WORKDIR /src
COPY . /src
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels /src

# --- the image: the wheel installed like any package (no source tree in it)
FROM python:3.11-slim-bookworm

# WeasyPrint's system libraries and the CJK fonts (the same list as ./dev installs).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 tekun \
    && useradd --system --uid 10001 --gid tekun --create-home --home-dir /home/tekun \
        --shell /usr/sbin/nologin tekun

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    TEKUN_DATA_DIR=/data

# Non-editable: the package carries its templates, static files and translations
# (tests/test_wheel.py installs the same wheel in a fresh virtualenv and serves every page).
COPY --from=build /wheels /tmp/wheels
RUN pip install --no-cache-dir /tmp/wheels/tekun-*.whl && rm -rf /tmp/wheels

# The data volume: SQLite database, secret.key, uploads awaiting confirmation. Created and
# chowned before VOLUME, because changes to a volume path after VOLUME are discarded.
RUN mkdir -p /data && chown tekun:tekun /data
VOLUME ["/data"]

USER tekun
WORKDIR /home/tekun
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]

ENTRYPOINT ["tekun"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
