using System.Net;
using Amazon.Runtime;
using Amazon.S3;

namespace Ftp.Embedded.S3;

/// <summary>Maps the store's errors to what the engine understands (the SDK has already retried throttling and 5xx).</summary>
internal static class S3Errors
{
    public static async Task<T> Run<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (Map(ex, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    public static bool IsNotFound(AmazonS3Exception ex) => ex.StatusCode == HttpStatusCode.NotFound || ex.ErrorCode is "NoSuchKey" or "NotFound";

    public static Exception? Map(Exception ex, CancellationToken cancellationToken)
    {
        if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        return ex switch
        {
            AmazonS3Exception s3 when s3.ErrorCode == "NoSuchBucket" => new FtpException(FtpReplyCode.LocalError, "The storage bucket does not exist."),
            AmazonS3Exception s3 when IsNotFound(s3) => new FileNotFoundException("No such file.", ex),
            AmazonS3Exception s3 when s3.StatusCode == HttpStatusCode.Forbidden || s3.ErrorCode == "AccessDenied" => new UnauthorizedAccessException("The storage refused access.", ex),
            AmazonS3Exception s3 when (int)s3.StatusCode >= 500 || s3.ErrorCode == "SlowDown" => Unavailable(ex),
            AmazonServiceException or AmazonClientException or HttpRequestException or IOException or OperationCanceledException => Unavailable(ex),
            _ => null,
        };
    }

    private static FtpException Unavailable(Exception ex)
        => new(FtpReplyCode.LocalError, "Requested action aborted: the storage is unavailable, try again later.");
}
