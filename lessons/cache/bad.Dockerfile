FROM python:3.13-slim
WORKDIR /app
# Everything at once: a change to ANY file in the folder changes this layer...
COPY . .
# ...and every layer after it is rebuilt: the install runs again for a one-line edit.
RUN pip install --no-cache-dir --no-index --find-links=./wheels -r requirements.txt
USER 65532
CMD ["python", "hello.py"]
