FROM localhost:5000/team/base
CMD ["run"]
