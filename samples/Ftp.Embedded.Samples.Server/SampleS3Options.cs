using System.Globalization;
using Ftp.Embedded.S3;
using Microsoft.Extensions.Configuration;

namespace Ftp.Embedded.Samples.Server;

/// <summary>
/// The sample host's S3 settings: the <c>--s3-*</c> options, or the <c>Ftp:S3</c> configuration section (and so the
/// environment, <c>FTP__S3__SECRETKEY</c>); the command line wins. The secret key is never printed or logged.
/// </summary>
public sealed class SampleS3Options
{
    public const string Section = "Ftp:S3";

    public Uri? Endpoint { get; set; }

    public string? Bucket { get; set; }

    public string? Prefix { get; set; }

    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    /// <summary>From configuration only (<c>Ftp:S3:StaleUploadAge</c>, seconds or hh:mm:ss).</summary>
    public TimeSpan? StaleUploadAge { get; set; }

    /// <summary>From configuration only (<c>Ftp:S3:PartSize</c>, bytes).</summary>
    public int? PartSize { get; set; }

    /// <summary>Whether files are served from S3: any S3 setting was given.</summary>
    public bool Enabled => Endpoint is not null || Bucket is not null || Prefix is not null || AccessKey is not null || SecretKey is not null;

    /// <summary>Where the files are, for the banner: endpoint, bucket and prefix, never a key.</summary>
    public string Description => $"s3://{Bucket}/{(string.IsNullOrEmpty(Prefix) ? "" : Prefix + "/")} at {Endpoint}";

    /// <summary>Takes one <c>--s3-*</c> option; false when <paramref name="option"/> is not one of them.</summary>
    /// <exception cref="FormatException">The value is not valid; the message names the option.</exception>
    public bool TryParse(string option, Func<string> value)
    {
        switch (option)
        {
            case "--s3-endpoint":
                Endpoint = ParseEndpoint(option, value());
                return true;
            case "--s3-bucket":
                Bucket = ParseBucket(option, value());
                return true;
            case "--s3-prefix":
                Prefix = ParsePrefix(option, value());
                return true;
            case "--s3-access-key":
                AccessKey = NotEmpty(option, value());
                return true;
            case "--s3-secret-key":
                SecretKey = NotEmpty(option, value());
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Fills what the command line left unset from <c>Ftp:S3</c>, then checks that endpoint, bucket and both keys are
    /// set when any S3 setting is.
    /// </summary>
    /// <exception cref="InvalidOperationException">A setting is missing or malformed; the message names it and says what to fix.</exception>
    public void Complete(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        try
        {
            Endpoint ??= section["Endpoint"] is { } endpoint ? ParseEndpoint($"{Section}:Endpoint", endpoint) : null;
            Bucket ??= section["Bucket"] is { } bucket ? ParseBucket($"{Section}:Bucket", bucket) : null;
            Prefix ??= section["Prefix"] is { } prefix ? ParsePrefix($"{Section}:Prefix", prefix) : null;
            AccessKey ??= section["AccessKey"] is { } accessKey ? NotEmpty($"{Section}:AccessKey", accessKey) : null;
            SecretKey ??= section["SecretKey"] is { } secretKey ? NotEmpty($"{Section}:SecretKey", secretKey) : null;
            StaleUploadAge ??= section["StaleUploadAge"] is { } age ? ParseAge($"{Section}:StaleUploadAge", age) : null;
            PartSize ??= section["PartSize"] is { } size ? ParsePartSize($"{Section}:PartSize", size) : null;
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException(ex.Message, ex);
        }

        if (!Enabled)
        {
            return;
        }

        Require(Endpoint, "--s3-endpoint", "Endpoint", "the S3 endpoint URL");
        Require(Bucket, "--s3-bucket", "Bucket", "the bucket that holds the files");
        Require(AccessKey, "--s3-access-key", "AccessKey", "the S3 access key");
        Require(SecretKey, "--s3-secret-key", "SecretKey", "the S3 secret key (FTP__S3__SECRETKEY in the environment keeps it off the command line)");
    }

    /// <summary>Copies the settings into the provider's options.</summary>
    public void Apply(S3FileSystemOptions s3)
    {
        s3.ServiceUrl = Endpoint;
        s3.BucketName = Bucket ?? "";
        s3.KeyPrefix = Prefix ?? "";
        s3.AccessKey = AccessKey;
        s3.SecretKey = SecretKey;
        s3.StaleUploadAge = StaleUploadAge ?? s3.StaleUploadAge;
        s3.PartSize = PartSize ?? s3.PartSize;
    }

    /// <summary>Never the keys.</summary>
    public override string ToString() => Enabled ? Description : "S3 not used";

    private static void Require(object? value, string option, string key, string what)
    {
        if (value is null)
        {
            throw new InvalidOperationException($"{option} (or {Section}:{key}) is not set: serving from S3 needs {what}.");
        }
    }

    private static Uri ParseEndpoint(string option, string text)
        => Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
           && uri.AbsolutePath == "/" && string.IsNullOrEmpty(uri.Query)
            ? uri
            : throw new FormatException($"{option}: '{text}' is not an http:// or https:// URL without a path, such as http://127.0.0.1:7480.");

    /// <summary>S3's bucket naming rules: 3 to 63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit.</summary>
    private static string ParseBucket(string option, string text)
        => text.Length is >= 3 and <= 63 && text.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-')
           && char.IsAsciiLetterOrDigit(text[0]) && char.IsAsciiLetterOrDigit(text[^1]) && !text.Contains("..", StringComparison.Ordinal)
            ? text
            : throw new FormatException($"{option}: '{text}' is not a bucket name (3 to 63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit).");

    private static string ParsePrefix(string option, string text)
    {
        var prefix = text.Trim('/');
        return prefix.Length > 0 && prefix.Split('/').All(s => s.Length > 0 && s is not "." and not ".." && !s.Any(char.IsControl))
            ? prefix
            : throw new FormatException($"{option}: '{text}' is not a key prefix such as ftp or tenants/a (no empty, '.' or '..' segments).");
    }

    private static string NotEmpty(string option, string text)
        => text.Length > 0 ? text : throw new FormatException($"{option} is empty.");

    private static TimeSpan ParseAge(string option, string text)
        => (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds)
               : TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var age) ? age : TimeSpan.Zero) is { } result && result > TimeSpan.Zero
            ? result
            : throw new FormatException($"{option}: '{text}' is not a positive duration (seconds, or hh:mm:ss).");

    private static int ParsePartSize(string option, string text)
        => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size >= S3FileSystemOptions.MinimumPartSize
            ? size
            : throw new FormatException($"{option}: '{text}' is not a part size in bytes of at least {S3FileSystemOptions.MinimumPartSize} (5 MiB).");
}
