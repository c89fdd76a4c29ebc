using Ftp.Embedded.Samples.AspNetCore;

// FTP on 127.0.0.1:2121 and HTTP on http://127.0.0.1:5080 in one process and one container, unless configuration says
// otherwise: --Ftp:Endpoints:0 127.0.0.1:2122 --urls http://127.0.0.1:8080 (or Ftp__Endpoints__0, ASPNETCORE_URLS).
var app = AspNetCoreSample.Build(args);
await app.RunAsync();
