# only arguments
ARG A=1
ARG B=2
