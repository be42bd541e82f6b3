FROM gcr.io/distroless/python3-debian13
WORKDIR /app
COPY hello.py .
CMD ["hello.py"]
