FROM python:3.13-slim AS src
WORKDIR /app
COPY . .

FROM src AS app
RUN pip install -r requirements.txt
CMD ["python", "app.py"]
