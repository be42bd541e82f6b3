FROM alpine:3.22
COPY onlyone
