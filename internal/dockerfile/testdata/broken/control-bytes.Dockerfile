FROM alpine:3.22
R[31mUN true
