# Stand-in for gcr.io/distroless/static-debian13: no shell, no libc, only the files a static
# binary may read (passwd/group with nonroot 65532, CA bundle, /usr/share/zoneinfo, /tmp), where
# the real image has them: the scratch lesson copies them into a scratch image one by one.
FROM docktutor-standin/toolbox:bookworm AS tools

FROM scratch
COPY --from=tools /skel/distroless/ /
# COPY drops ownership taken from another stage on some builders; say it again.
COPY --from=tools --chown=65532:65532 /skel/distroless/home/nonroot /home/nonroot
COPY --from=tools /skel/zoneinfo/ /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
