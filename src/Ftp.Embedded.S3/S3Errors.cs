using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.Logging;

namespace Ftp.Embedded.S3;

/// <summary>
/// Maps the store's errors to what the engine understands (the SDK has already retried throttling, 5xx and failed
/// connections with backoff, at most <see cref="S3FileSystemOptions.MaxErrorRetries"/> times) and logs the ones an
/// operator must see, with the endpoint.
/// </summary>
internal sealed partial class S3Errors(ILogger logger, string endpoint)
{
    public async Task<T> Run<T>(Func<Task<T>> call, CancellationToken cancellationToken)
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

    public Exception? Map(Exception ex, CancellationToken cancellationToken)
    {
        if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        switch (ex)
        {
            case AmazonS3Exception { ErrorCode: "NoSuchBucket" }:
                BucketMissing(logger, endpoint);
                return Unavailable();
            case AmazonS3Exception s3 when IsNotFound(s3):
                return new FileNotFoundException("No such file.", ex);
            case AmazonS3Exception s3 when s3.StatusCode == HttpStatusCode.Forbidden || s3.ErrorCode == "AccessDenied":
                AccessDenied(logger, endpoint, s3.ErrorCode);
                return new UnauthorizedAccessException("The storage refused access.", ex);
            case AmazonServiceException service when service.StatusCode != 0:
                StoreFailing(logger, endpoint, (int)service.StatusCode, service.ErrorCode ?? "", ex);
                return Unavailable();
            case AmazonServiceException or AmazonClientException or HttpRequestException or IOException or OperationCanceledException:
                StoreUnreachable(logger, endpoint, ex.GetBaseException().Message, ex);
                return Unavailable();
            default:
                return null;
        }
    }

    private static FtpException Unavailable()
        => new(FtpReplyCode.LocalError, "Requested action aborted: the storage is unavailable, try again later.");

    [LoggerMessage(1000, LogLevel.Error, "S3 store {Endpoint} unreachable: {Reason}")]
    private static partial void StoreUnreachable(ILogger logger, string endpoint, string reason, Exception exception);

    [LoggerMessage(1001, LogLevel.Warning, "S3 store {Endpoint} answered {StatusCode} {ErrorCode} after its retries")]
    private static partial void StoreFailing(ILogger logger, string endpoint, int statusCode, string errorCode, Exception exception);

    [LoggerMessage(1002, LogLevel.Error, "S3 store {Endpoint}: the bucket does not exist")]
    private static partial void BucketMissing(ILogger logger, string endpoint);

    [LoggerMessage(1003, LogLevel.Warning, "S3 store {Endpoint} refused access ({ErrorCode})")]
    private static partial void AccessDenied(ILogger logger, string endpoint, string errorCode);
}
