namespace Ftp.Embedded;

/// <summary>FTP reply codes (RFC 959 section 4.2, RFC 2228, RFC 2428, RFC 3659, RFC 4217).</summary>
#pragma warning disable CA1027 // Not a flags enum.
public enum FtpReplyCode
{
    /// <summary>125: data connection already open; transfer starting.</summary>
    DataConnectionAlreadyOpen = 125,
    /// <summary>150: file status okay; about to open data connection.</summary>
    OpeningDataConnection = 150,
    /// <summary>200: command okay.</summary>
    Okay = 200,
    /// <summary>202: command not implemented, superfluous at this site.</summary>
    Superfluous = 202,
    /// <summary>211: system status, or system help reply.</summary>
    SystemStatus = 211,
    /// <summary>212: directory status.</summary>
    DirectoryStatus = 212,
    /// <summary>213: file status.</summary>
    FileStatus = 213,
    /// <summary>214: help message.</summary>
    HelpMessage = 214,
    /// <summary>215: NAME system type.</summary>
    SystemType = 215,
    /// <summary>220: service ready for new user.</summary>
    ServiceReady = 220,
    /// <summary>221: service closing control connection.</summary>
    ClosingControlConnection = 221,
    /// <summary>225: data connection open; no transfer in progress.</summary>
    DataConnectionOpen = 225,
    /// <summary>226: closing data connection; requested file action successful.</summary>
    ClosingDataConnection = 226,
    /// <summary>227: entering passive mode.</summary>
    EnteringPassiveMode = 227,
    /// <summary>229: entering extended passive mode (RFC 2428).</summary>
    EnteringExtendedPassiveMode = 229,
    /// <summary>230: user logged in, proceed.</summary>
    LoggedIn = 230,
    /// <summary>232: user logged in, authorized by security data exchange (RFC 4217 section 7: a client certificate).</summary>
    LoggedInBySecurityData = 232,
    /// <summary>234: security data exchange complete (RFC 2228 AUTH).</summary>
    AuthOkay = 234,
    /// <summary>250: requested file action okay, completed.</summary>
    FileActionOkay = 250,
    /// <summary>257: pathname created.</summary>
    PathnameCreated = 257,
    /// <summary>331: user name okay, need password.</summary>
    NeedPassword = 331,
    /// <summary>350: requested file action pending further information.</summary>
    PendingFurtherInformation = 350,
    /// <summary>421: service not available, closing control connection.</summary>
    ServiceNotAvailable = 421,
    /// <summary>425: can't open data connection.</summary>
    CantOpenDataConnection = 425,
    /// <summary>426: connection closed; transfer aborted.</summary>
    TransferAborted = 426,
    /// <summary>450: requested file action not taken; file unavailable (busy).</summary>
    FileUnavailableTransient = 450,
    /// <summary>451: requested action aborted: local error in processing.</summary>
    LocalError = 451,
    /// <summary>452: requested action not taken: insufficient storage space.</summary>
    InsufficientStorage = 452,
    /// <summary>500: syntax error, command unrecognized or line too long.</summary>
    SyntaxError = 500,
    /// <summary>501: syntax error in parameters or arguments.</summary>
    SyntaxErrorInArguments = 501,
    /// <summary>502: command not implemented.</summary>
    NotImplemented = 502,
    /// <summary>503: bad sequence of commands.</summary>
    BadSequence = 503,
    /// <summary>504: command not implemented for that parameter.</summary>
    ParameterNotImplemented = 504,
    /// <summary>521: data connection cannot be opened with this PROT setting (RFC 4217 section 9).</summary>
    CantOpenDataConnectionWithProt = 521,
    /// <summary>522: network protocol not supported (RFC 2428).</summary>
    NetworkProtocolNotSupported = 522,
    /// <summary>530: not logged in.</summary>
    NotLoggedIn = 530,
    /// <summary>533: command protection level denied for policy reasons (RFC 2228; CCC in RFC 4217 section 6).</summary>
    CommandProtectionDenied = 533,
    /// <summary>534: request denied for policy reasons (RFC 2228).</summary>
    DeniedForPolicyReasons = 534,
    /// <summary>536: requested PROT level not supported by mechanism (RFC 2228; RFC 4217 section 9).</summary>
    ProtLevelNotSupported = 536,
    /// <summary>550: requested action not taken; file unavailable (not found, no access).</summary>
    FileUnavailable = 550,
    /// <summary>551: requested action aborted: page type unknown.</summary>
    PageTypeUnknown = 551,
    /// <summary>552: requested file action aborted: exceeded storage allocation.</summary>
    ExceededStorageAllocation = 552,
    /// <summary>553: requested action not taken: file name not allowed.</summary>
    FileNameNotAllowed = 553,
    /// <summary>554: requested action not taken: invalid REST parameter (RFC 3659 section 5, RFC 1123 section 4.1.3.4).</summary>
    InvalidRestParameter = 554,
}
#pragma warning restore CA1027
