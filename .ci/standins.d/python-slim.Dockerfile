# Stand-in for python:3.13-slim: minimal Debian plus Debian's own Python (3.11 in bookworm; there is
# no 3.13 package to install offline), pip and venv, no compilers.
FROM docktutor-standin/debian:bookworm

RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      python3 python3-venv python3-pip >/dev/null \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin

# The real image's interpreter lives in /usr/local/bin and pip may install into it: give the
# same names, and drop Debian's PEP 668 marker, which would refuse `pip install` system-wide.
RUN set -eu; py=$(readlink -f /usr/bin/python3); \
    for n in python3 python python3.13; do ln -sf "$py" /usr/local/bin/$n; done; \
    ln -sf /usr/bin/pip3 /usr/local/bin/pip; ln -sf /usr/bin/pip3 /usr/local/bin/pip3; \
    rm -f /usr/lib/python3*/EXTERNALLY-MANAGED

ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8
WORKDIR /
CMD ["python3"]
