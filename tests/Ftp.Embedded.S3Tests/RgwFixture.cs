using Amazon.Runtime;
using Amazon.S3;
using Ftp.Embedded.S3;
using Ftp.Embedded.TestScripts;

namespace Ftp.Embedded.S3Tests;

/// <summary>
/// A Ceph RADOS Gateway for the whole test run: the one named by <c>S3_ENDPOINT</c>, <c>S3_ACCESS_KEY</c> and
/// <c>S3_SECRET_KEY</c> when they are set (<c>.ci/run</c> starts one), else one started and stopped by
/// <c>tests/Services/rgw.sh</c> in a temporary folder. Each test class works in buckets of its own. When the gateway
/// cannot start, every test of the collection fails with the script's output.
/// </summary>
public sealed class RgwFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(180);
    private string _folder = "";
    private string? _failure;
    private AmazonS3Client? _client;
    private int _buckets;

    public Uri Endpoint { get; private set; } = new("http://127.0.0.1/");

    public string AccessKey { get; private set; } = "";

    public string SecretKey { get; private set; } = "";

    public AmazonS3Client Client => _client ?? throw new InvalidOperationException($"RGW did not start:\n{_failure}");

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("S3_ENDPOINT") is { Length: > 0 } endpoint)
        {
            Connect(endpoint, Environment.GetEnvironmentVariable("S3_ACCESS_KEY") ?? "", Environment.GetEnvironmentVariable("S3_SECRET_KEY") ?? "");
            return;
        }

        _folder = Directory.CreateTempSubdirectory("ftp-rgw-").FullName;
        // A port base of its own, so a cluster started by hand (default 46700) or another run does not collide.
        var environment = new Dictionary<string, string> { ["RGW_PORT_BASE"] = (47000 + Random.Shared.Next(0, 90) * 100).ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var (code, output) = await RunScriptAsync("start", environment, StartLimit);
        if (code != 0)
        {
            _failure = $"tests/Services/rgw.sh start {_folder} exited with {code}:\n{output}";
            return;
        }

        var env = File.ReadAllLines(Path.Combine(_folder, "env"))
            .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        Connect(env["S3_ENDPOINT"], env["S3_ACCESS_KEY"], env["S3_SECRET_KEY"]);
    }

    private void Connect(string endpoint, string accessKey, string secretKey)
    {
        Endpoint = new Uri(endpoint);
        AccessKey = accessKey;
        SecretKey = secretKey;
        _client = NewClient();
    }

    /// <summary>A client of its own (for counting its requests), configured as the provider configures the one it builds.</summary>
    public AmazonS3Client NewClient()
        => new(new BasicAWSCredentials(AccessKey, SecretKey), S3FileSystemProvider.CreateConfig(new S3FileSystemOptions { ServiceUrl = Endpoint }));

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_folder.Length == 0)
        {
            return;
        }

        var (code, output) = await RunScriptAsync("stop", [], StopLimit);
        if (code == 0)
        {
            Directory.Delete(_folder, recursive: true);
        }
        else
        {
            await Console.Error.WriteLineAsync($"rgw.sh stop {_folder} exited with {code}:\n{output}");
        }
    }

    /// <summary>Creates a new, empty bucket with a unique name.</summary>
    public async Task<string> CreateBucketAsync()
    {
        var name = $"t{Interlocked.Increment(ref _buckets)}-{Guid.NewGuid():N}";
        await Client.PutBucketAsync(name);
        return name;
    }

    /// <summary>Options for a provider over <paramref name="bucket"/>, sharing the fixture's client.</summary>
    public S3FileSystemOptions Options(string bucket, string keyPrefix = "") => new()
    {
        BucketName = bucket,
        KeyPrefix = keyPrefix,
        Client = Client,
    };

    private Task<(int Code, string Output)> RunScriptAsync(string verb, Dictionary<string, string> environment, TimeSpan limit)
        => RepositoryScript.RunAsync("tests/Services/rgw.sh", [verb, _folder], environment, limit);
}

[CollectionDefinition(Name)]
public sealed class RgwGroup : ICollectionFixture<RgwFixture>
{
    public const string Name = "rgw";
}
