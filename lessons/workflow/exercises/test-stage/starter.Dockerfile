FROM python:3.13-slim AS build
WORKDIR /app
COPY hello.py test_hello.py ./

FROM python:3.13-slim
WORKDIR /app
COPY --from=build /app/hello.py .
CMD ["python", "hello.py"]
