using Ftp.Embedded.Samples.AspNetCore;

// FTP on 127.0.0.1:2121 and HTTP on http://127.0.0.1:5080 in one process and one container.
var app = AspNetCoreSample.Build(args, ftpPort: 2121, httpUrl: "http://127.0.0.1:5080");
await app.RunAsync();
