using System.Diagnostics;
using System.Net;
using System.Text;

namespace Ftp.Embedded.InteropTests;

/// <summary>
/// A real server over a temporary directory (the physical filesystem, so downloads take the zero-copy path), with
/// alice/secret (read-write at /home/alice) and anonymous (read-only at /pub). One per test class.
/// </summary>
public class InteropServer : IAsyncLifetime
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "ftp-interop-" + Guid.NewGuid().ToString("N"));

    public string Home => Path.Combine(Root, "home", "alice");

    public FtpServer Server { get; private set; } = null!;

    public int Port => Server.EndPoints[0].Port;

    public string Url => $"ftp://127.0.0.1:{Port}";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(Path.Combine(Root, "pub"));
        await File.WriteAllTextAsync(Path.Combine(Root, "pub", "readme.txt"), "Welcome.\n");
        var options = new FtpServerOptions();
        options.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0));
        options.Limits.FailedLoginDelay = TimeSpan.Zero;
        options.Limits.MaxSessionsPerIp = 500;
        Configure(options);
        var users = new FtpLocalUserOptions().Add("alice", FtpPasswordHasher.Hash("secret"), "/home/alice");
        Server = FtpServer.Create(options, new PhysicalFileSystemProvider(Root),
        [
            new AnonymousAuthenticator(Microsoft.Extensions.Options.Options.Create(new FtpAnonymousOptions())),
            new LocalUserAuthenticator(Microsoft.Extensions.Options.Options.Create(users)),
        ], CreateDataChannelPolicy(options));
        await Server.StartAsync(CancellationToken.None);
    }

    /// <summary>Lets a derived fixture give the server its own data-channel policy (the default one when null).</summary>
    protected virtual IFtpDataChannelPolicy? CreateDataChannelPolicy(FtpServerOptions options) => null;

    /// <summary>Lets a derived fixture change the options before the server starts.</summary>
    protected virtual void Configure(FtpServerOptions options)
    {
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public string NewLocalDirectory()
    {
        var path = Path.Combine(Root, "local-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}

/// <summary>Runs a real client program with a time limit. A missing program fails the test: CI installs them.</summary>
public static class Client
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(120);

    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public Result ShouldSucceed()
        {
            ExitCode.Should().Be(0, $"the client should succeed.\nstdout:\n{Output}\nstderr:\n{Error}");
            return this;
        }
    }

    public static async Task<Result> RunAsync(string program, IEnumerable<string> arguments, string? stdin = null, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["HOME"] = Path.GetTempPath();
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {program}.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"'{program}' is not installed; install it (apt-get install -y curl lftp python3 haproxy) to run the interop tests.", ex);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (stdin is not null)
            {
                await process.StandardInput.WriteAsync(stdin);
                process.StandardInput.Close();
            }

            using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish in time.\nstdout:\n{await output}\nstderr:\n{await error}");
            }

            return new Result(process.ExitCode, await output, await error);
        }
    }

    public static byte[] RandomBytes(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
