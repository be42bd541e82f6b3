FROM alpine:3.22
RUN --mount=type=bogus true
