using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ftp.Embedded.Samples.Server;

/// <summary>The sample host: a generic host with the FTP server over a directory. Program.cs only calls <see cref="RunAsync"/>.</summary>
public static class SampleServer
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var options = SampleOptions.Parse(args, error);
        if (options is null)
        {
            return 2;
        }

        if (options.Help)
        {
            output.WriteLine(SampleOptions.Usage);
            return 0;
        }

        IHost? host = null;
        try
        {
            host = Build(options);
            await host.StartAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            host?.Dispose();
            // Whatever stops the start (a setting, a certificate, a port in use, the root) is one line that says what to
            // fix; the messages of Ftp.Embedded's start-up checks are written for that.
            error.WriteLine($"Cannot start the FTP server: {ex.Message.ReplaceLineEndings(" ")}");
            return 1;
        }

        using (host)
        {
            PrintBanner(host, options, output);
            await host.WaitForShutdownAsync(cancellationToken);
        }

        return 0;
    }

    /// <summary>Builds the host: prepares the root, then registers the server from configuration and the command line.</summary>
    public static IHost Build(SampleOptions options, Action<HostApplicationBuilder>? customize = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (options.LogLevel is { } level)
        {
            builder.Logging.SetMinimumLevel(level);
            builder.Logging.AddFilter("Ftp.Embedded", level);
        }

        // A failed start is reported by RunAsync as one line; the host would also log it as an error with a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        customize?.Invoke(builder);
        var root = Path.GetFullPath(options.Root);
        options.S3.Complete(builder.Configuration);
        if (options.S3.Enabled && options.SystemUsers)
        {
            throw new InvalidOperationException("--system-users serves the machine's own files: it cannot be combined with --s3-* (or Ftp:S3); choose one.");
        }

        if (!options.S3.Enabled && !options.SystemUsers)
        {
            PrepareRoot(root, options, builder.Configuration);
        }

        var hasEndpoints = builder.Configuration.GetSection("Ftp:Endpoints").GetChildren().Any();
        var ftp = builder.Services.AddFtpServer(o =>
        {
            if (!hasEndpoints || options.ListenGiven || options.PortGiven)
            {
                o.Endpoints.Clear();
                o.Endpoints.Add(new IPEndPoint(options.Listen, options.Port));
            }

            o.Passive.PortRange = options.PassivePorts ?? o.Passive.PortRange;
            o.Passive.PublicAddress = options.PublicAddress ?? o.Passive.PublicAddress;
            o.Limits.MaxSessions = options.MaxSessions ?? o.Limits.MaxSessions;
            o.Limits.MaxSessionsPerIp = options.MaxSessionsPerIp ?? o.Limits.MaxSessionsPerIp;
            options.ApplyRates(o.Limits);
            o.Active.Enabled = options.AllowActive ?? o.Active.Enabled;
            foreach (var network in options.TrustedProxies)
            {
                o.Proxy.TrustedNetworks.Add(network);
            }

            if (options.TlsCertificate is { } certificate)
            {
                o.Tls.CertificatePath = Path.GetFullPath(certificate);
                o.Tls.KeyPath = options.TlsKey is { } key ? Path.GetFullPath(key) : null;
                o.Tls.CertificatePassword = options.TlsCertificatePassword;
            }
            else if (options.TlsSelfSigned)
            {
                o.Tls.Certificate = SelfSignedCertificate.Create();
            }

            if (options.ImplicitTlsPort is { } implicitPort)
            {
                o.Tls.ImplicitEndpoints.Add(new IPEndPoint(options.Listen, implicitPort));
            }

            o.Tls.RequireForLogin |= options.RequireTls;
            o.Tls.RequireForData |= options.RequireTls;
        });

        if (options.SystemUsers)
        {
            UseSystemUsers(ftp, options);
            return builder.Build();
        }

        UseFileSystem(ftp, options, root);
        if (options.Anonymous)
        {
            ftp.AddAnonymous();
        }

        ftp.AddLocalUsers(u =>
        {
            foreach (var user in options.Users)
            {
                u.Add(user.Name, FtpPasswordHasher.Hash(user.Password), "/home/" + user.Name, FtpPermissions.All);
            }
        });
        return builder.Build();
    }

    /// <summary>S3 when any S3 setting is given (homes are then key prefixes home/NAME/ in the bucket), else the root directory.</summary>
    private static void UseFileSystem(IFtpServerBuilder ftp, SampleOptions options, string root)
    {
        if (options.S3.Enabled)
        {
            ftp.UseS3FileSystem(options.S3.Apply);
        }
        else
        {
            ftp.UsePhysicalFileSystem(root);
        }
    }

    /// <summary>--system-users: the machine's accounts through PAM, in their homes or sharing the --root given.</summary>
    private static void UseSystemUsers(IFtpServerBuilder ftp, SampleOptions options)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("--system-users works on Linux only.");
        }

        ftp.UseSystemUsers(o =>
        {
            o.PamService = options.SystemUsersPamService ?? o.PamService;
            o.SharedRoot = options.SystemUsersSharedRoot is { } shared ? Path.GetFullPath(shared) : null;
        });
    }

    /// <summary>Creates the root with pub/readme.txt when missing, and any missing pub/ and home folders.</summary>
    public static void PrepareRoot(string root, SampleOptions options, IConfiguration configuration)
    {
        if (File.Exists(root))
        {
            throw new IOException($"--root '{root}' is a file: give a directory to serve (a missing one is created).");
        }

        if (!Directory.Exists(root))
        {
            Directory.CreateDirectory(Path.Combine(root, "pub"));
            File.WriteAllText(Path.Combine(root, "pub", "readme.txt"), "Welcome to the Ftp.Embedded sample server.\n");
        }

        Directory.CreateDirectory(Path.Combine(root, "pub"));
        var homes = options.Users.Select(u => "/home/" + u.Name)
            .Concat(configuration.GetSection("Ftp:Users").GetChildren().Select(u => u["HomeDirectory"] ?? u["Home"]).OfType<string>());
        foreach (var home in homes)
        {
            var relative = home.Trim('/');
            if (relative.Length > 0 && !relative.Split('/').Contains(".."))
            {
                Directory.CreateDirectory(Path.Combine(root, relative));
            }
        }
    }

    private static void PrintBanner(IHost host, SampleOptions options, TextWriter output)
    {
        // FtpServer.EndPoints lists the control endpoints first, then the implicit-TLS ones.
        var endPoints = host.Services.GetRequiredService<FtpServer>().EndPoints;
        var control = host.Services.GetRequiredService<IOptions<FtpServerOptions>>().Value.Endpoints.Count;
        // S3: the endpoint, bucket and prefix, never a key.
        var serving = options.S3.Enabled ? options.S3.Description
            : !options.SystemUsers ? Path.GetFullPath(options.Root)
            : options.SystemUsersSharedRoot is { } shared ? $"{Path.GetFullPath(shared)} to the machine's accounts"
            : "the machine's accounts, each in its home directory";
        for (var i = 0; i < endPoints.Count; i++)
        {
            output.WriteLine(i < control
                ? $"FTP server listening on {endPoints[i]} serving {serving}"
                : $"FTPS (implicit TLS) listening on {endPoints[i]} serving {serving}");
        }

        if (options.SystemUsers)
        {
            output.WriteLine($"  system users: passwords checked by PAM service '{options.SystemUsersPamService ?? "ftp"}', files accessed with each user's own ids");
        }

        if (options.Anonymous)
        {
            output.WriteLine("  anonymous / ftp: any password, read-only at /pub");
        }

        foreach (var user in options.Users)
        {
            output.WriteLine(user.PasswordGenerated
                ? $"  {user.Name}: generated password {user.Password}, read-write at /home/{user.Name}"
                : $"  {user.Name}: password from the command line, read-write at /home/{user.Name}");
        }

        foreach (var user in host.Services.GetRequiredService<IOptions<FtpLocalUserOptions>>().Value.Users.Where(u => options.Users.All(c => c.Name != u.Name)))
        {
            output.WriteLine($"  {user.Name}: from configuration, home {user.HomeDirectory}");
        }

        if (options.TlsSelfSigned && options.TlsCertificate is null)
        {
            output.WriteLine("WARNING: FTPS uses a self-signed certificate made at start-up. Clients cannot verify it: for local testing only.");
        }

        output.WriteLine("Press Ctrl+C to stop.");
    }
}
