# Stand-in for gcr.io/distroless/python3-debian13:debug: the non-debug stand-in plus a busybox
# shell under /busybox, as in the real :debug images. The ENTRYPOINT stays the interpreter.
FROM docktutor-standin/toolbox:bookworm AS tools

FROM docktutor-standin/distroless-python3-debian13:latest
COPY --from=tools /skel/busybox/ /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/busybox
