# Stand-in for python:3.13, the "fat" image: Debian with compilers, headers, git and curl, so
# that it is big for the same reasons the real one is. Recommends are kept on purpose.
FROM docktutor-standin/debian:bookworm

RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      python3 python3-pip python3-venv python3-dev python-is-python3 \
      gcc build-essential make git curl ca-certificates >/dev/null \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin

# Same names as the real image's /usr/local/bin interpreter; no PEP 668 marker (see the slim one).
RUN set -eu; py=$(readlink -f /usr/bin/python3); \
    for n in python3 python python3.13; do ln -sf "$py" /usr/local/bin/$n; done; \
    ln -sf /usr/bin/pip3 /usr/local/bin/pip; ln -sf /usr/bin/pip3 /usr/local/bin/pip3; \
    rm -f /usr/lib/python3*/EXTERNALLY-MANAGED

ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8
WORKDIR /
CMD ["python3"]
