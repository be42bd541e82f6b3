# Stand-in for gcr.io/distroless/python3-debian13: the slim stand-in's interpreter, its standard
# library and exactly the shared libraries they load, on scratch. No shell, no apt, no pip.
FROM docktutor-standin/python:3.13-slim AS py

# Collect into /out: the interpreter, the stdlib (without Debian's dist-packages, so without pip),
# and every library ldd names for the interpreter and the stdlib's C extensions. Each symlink on
# the way to a library is copied as a symlink, so the loader finds it by the same path.
RUN set -eu; out=/out; \
    py=$(readlink -f /usr/bin/python3); ver=${py##*/}; \
    mkdir -p $out/usr/bin $out/usr/lib; \
    for d in lib lib64; do \
      if [ -L /$d ]; then l=$(readlink /$d); ln -s "$l" $out/$d; mkdir -p "$out/$l"; fi; \
    done; \
    cp -p "$py" $out/usr/bin/; \
    ln -s "$ver" $out/usr/bin/python3; \
    [ "$ver" = python3.13 ] || ln -s "$ver" $out/usr/bin/python3.13; \
    cp -a /usr/lib/$ver $out/usr/lib/; \
    cp -a /usr/lib/ssl $out/usr/lib/; \
    { ldd "$py"; find /usr/lib/$ver/lib-dynload -name '*.so' -exec ldd {} \; ; } \
      | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' | sort -u > /tmp/libs; \
    while read -r p; do \
      while [ -L "$p" ]; do \
        mkdir -p "$out${p%/*}"; cp -P "$p" "$out$p"; t=$(readlink "$p"); \
        case $t in /*) p=$t ;; *) p=${p%/*}/$t ;; esac; \
      done; \
      mkdir -p "$out${p%/*}"; cp -p "$p" "$out$p"; \
    done < /tmp/libs; \
    echo "copied $(wc -l < /tmp/libs) libraries for $ver"

FROM docktutor-standin/toolbox:bookworm AS tools

FROM scratch
COPY --from=tools /skel/distroless/ /
COPY --from=tools --chown=65532:65532 /skel/distroless/home/nonroot /home/nonroot
COPY --from=tools /usr/share/zoneinfo /usr/share/zoneinfo
COPY --from=py /out/ /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
# Exactly the real image's ENTRYPOINT; here it is a symlink to Debian's interpreter.
ENTRYPOINT ["/usr/bin/python3.13"]
