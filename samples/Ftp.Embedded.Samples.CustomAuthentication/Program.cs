using System.Net;
using Ftp.Embedded;
using Ftp.Embedded.Samples.CustomAuthentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var port = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 2121;
using var host = CustomAuthenticationSample.Build(port);
await host.StartAsync();
Console.WriteLine($"FTP on {host.Services.GetRequiredService<FtpServer>().EndPoints[0]}: alice/alice-pw (read-write, active allowed), " +
                  "bob/bob-pw (read-only, passive only). Ctrl+C stops.");
await host.WaitForShutdownAsync();

namespace Ftp.Embedded.Samples.CustomAuthentication
{
    public static class CustomAuthenticationSample
    {
        /// <summary>The application's container: its user store, and the FTP server that authenticates against it.</summary>
        public static IHost Build(int port)
        {
            var builder = Host.CreateApplicationBuilder();
            var store = new AppUserStore();
            store.Save(new AppAccount("alice", FtpPasswordHasher.Hash("alice-pw"), "/alice", FtpPermissions.All, MayUseActiveMode: true));
            store.Save(new AppAccount("bob", FtpPasswordHasher.Hash("bob-pw"), "/bob", FtpPermissions.Read, MayUseActiveMode: false));
            store.Save(new AppAccount("carol", FtpPasswordHasher.Hash("carol-pw"), "/carol", FtpPermissions.All, MayUseActiveMode: true, Disabled: true));
            builder.Services.AddSingleton(store);
            builder.Services.AddSingleton<DefaultDataChannelPolicy>();

            var files = new InMemoryFileSystem();
            builder.Services.AddFtpServer(o => o.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, port)))
                .UseInMemoryFileSystem(files)
                .AddAuthenticator<StoreAuthenticator>()
                .UseDataChannelPolicy<PerUserDataChannelPolicy>();
            return builder.Build();
        }
    }
}
