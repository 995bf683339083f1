# One image for every harbour process: the gateway and each subgraph differ only in their command.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build && npm prune --omit=dev
# The home holds the gateway's audit checkpoints (a volume in docker-compose.yml), written as node.
RUN mkdir /data && chown node:node /data
USER node
ENV HARBOUR_HOME=/data NODE_ENV=production
EXPOSE 4000
ENTRYPOINT ["node", "bin/harbour.js"]
CMD ["serve", "--host", "0.0.0.0"]
