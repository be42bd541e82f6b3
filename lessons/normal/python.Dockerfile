# One stage: the full Python image is both the workshop and the shipping box.
FROM python:3.13
WORKDIR /app
COPY hello.py .
CMD ["python", "hello.py"]
