# The installed packages live in the virtualenv, so copy it whole.
FROM python:3.13-slim AS build
RUN python -m venv /venv
ENV PATH=/venv/bin:$PATH
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

FROM python:3.13-slim
COPY --from=build /venv /venv
COPY hello.py /app/
ENV PATH=/venv/bin:$PATH
CMD ["python", "/app/hello.py"]
