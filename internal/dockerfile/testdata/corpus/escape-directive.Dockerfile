# escape=`
# Windows-style continuation with a backtick.
FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS build
RUN powershell -Command `
    Write-Host building ; `
    New-Item -ItemType Directory C:\out
COPY app C:\app

FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
COPY --from=build C:\out C:\out
CMD ["C:\\out\\app.exe"]
