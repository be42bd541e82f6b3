FROM node:22-slim
WORKDIR /app
COPY --chown=node:node . /app
RUN apt-get update && apt-get install -y --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/*
RUN ["npm", "ci", "--omit=dev"]
RUN npm run build
CMD ["node", "dist/index.js"]
