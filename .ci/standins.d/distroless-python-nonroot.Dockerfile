# Stand-in for gcr.io/distroless/python3-debian13:nonroot: the same image, run as the user nonroot
# (65532, named in /etc/passwd) with its home as the working directory, as the real :nonroot tags are.
FROM docktutor-standin/distroless-python3-debian13:latest
USER 65532
WORKDIR /home/nonroot
