import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import TanbaTestSupport

/// A refusal from chromedriver (W3C WebDriver error: `no such element`, `timeout`, …) or from the client itself.
public struct WebDriverError: Error, CustomStringConvertible {
    /// The W3C error code, e.g. `no such element`; `client` for the client's own failures.
    public let error: String
    public let message: String

    public init(error: String, message: String) {
        self.error = error
        self.message = message
    }

    public var description: String { "WebDriver \(error): \(message)" }
}

/// A running chromedriver, started as a child process on a free loopback port and stopped by `stop()`.
///
/// Use it through `withDriver`, which stops it (and every session left open) on every exit path:
///
///     try await ChromeDriver.withDriver { driver in
///         try await driver.withSession(width: 390, height: 844) { browser in
///             try await browser.navigate(to: "http://127.0.0.1:8080/")
///             let field = try await browser.waitForElement(css: "input[name=q]")
///             try await field.sendKeys("050140001238")
///         }
///     }
///
/// The client speaks HTTP through AsyncHTTPClient: Foundation's URLSession on Swift 6.3.1 rejects chromedriver's
/// header lines (no space after the colon).
public final class ChromeDriver: Sendable {
    /// chromedriver's address, `http://127.0.0.1:<port>`.
    public let url: String
    public let port: Int
    private let process: Mutex<Process?>
    private let sessions = Mutex<Set<String>>([])
    let http = WebDriverHTTP()

    private init(port: Int, process: Process) {
        self.port = port
        self.url = "http://127.0.0.1:\(port)"
        self.process = Mutex(process)
    }

    /// Starts chromedriver and waits until `/status` says it is ready.
    /// - Throws: `WebDriverError` when chromedriver is not installed or not ready within `timeout`.
    public static func start(timeout: Duration = .seconds(20)) async throws -> ChromeDriver {
        guard let executable = BrowserTests.chromedriver else {
            throw WebDriverError(error: "client", message: BrowserTests.unavailableReason ?? "no chromedriver")
        }
        let port = try await freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--port=\(port)", "--allowed-ips=127.0.0.1"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try await launchAsync(process)
        let driver = ChromeDriver(port: port, process: process)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = try? await driver.http.send("GET", "\(driver.url)/status"),
                status["ready"]?.bool == true
            {
                return driver
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        await driver.stop()
        throw WebDriverError(error: "client", message: "chromedriver did not become ready on port \(port)")
    }

    /// Runs `body` with a started driver and stops it afterwards, whatever happens.
    public static func withDriver<T: Sendable>(_ body: (ChromeDriver) async throws -> T) async throws -> T {
        let driver = try await start()
        do {
            let result = try await body(driver)
            await driver.shutdown()
            return result
        } catch {
            await driver.shutdown()
            throw error
        }
    }

    /// A new headless Chromium.
    /// - Parameters:
    ///   - width: window width in CSS pixels (390 is a phone's).
    ///   - height: window height.
    ///   - acceptLanguage: the Accept-Language the browser sends (`kk`, `ru-RU,ru`…); nil: Chromium's default.
    ///   - acceptInsecureCerts: accept self-signed TLS certificates (the local signer's).
    ///   - arguments: more Chromium switches, e.g. `--ignore-certificate-errors-spki-list=…`.
    public func newSession(
        width: Int = 1280, height: Int = 900, acceptLanguage: String? = nil, acceptInsecureCerts: Bool = true,
        arguments: [String] = []
    ) async throws -> BrowserSession {
        var args: [JSONValue] = [
            "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=\(width),\(height)",
            "--no-first-run", "--no-default-browser-check", "--disable-gpu",
        ].map { .string($0) }
        args += arguments.map { .string($0) }
        var chromeOptions: [String: JSONValue] = ["args": .array(args)]
        if let chromium = BrowserTests.chromium { chromeOptions["binary"] = .string(chromium) }
        if let acceptLanguage {
            args.append(.string("--lang=\(acceptLanguage.split(separator: ",").first ?? "en")"))
            chromeOptions["args"] = .array(args)
            chromeOptions["prefs"] = .object(["intl.accept_languages": .string(acceptLanguage)])
        }
        let capabilities: JSONValue = .object([
            "capabilities": .object([
                "alwaysMatch": .object([
                    "browserName": "chrome", "acceptInsecureCerts": .bool(acceptInsecureCerts),
                    "goog:chromeOptions": .object(chromeOptions),
                ])
            ])
        ])
        let value = try await http.send("POST", "\(url)/session", capabilities)
        guard let id = value["sessionId"]?.string else {
            throw WebDriverError(error: "client", message: "no session id in \(value)")
        }
        sessions.withLock { _ = $0.insert(id) }
        return BrowserSession(id: id, driver: self)
    }

    /// Runs `body` with a new session and deletes the session afterwards, whatever happens.
    public func withSession<T: Sendable>(
        width: Int = 1280, height: Int = 900, acceptLanguage: String? = nil, acceptInsecureCerts: Bool = true,
        arguments: [String] = [], _ body: (BrowserSession) async throws -> T
    ) async throws -> T {
        let session = try await newSession(
            width: width, height: height, acceptLanguage: acceptLanguage, acceptInsecureCerts: acceptInsecureCerts,
            arguments: arguments)
        do {
            let result = try await body(session)
            try? await session.delete()
            return result
        } catch {
            try? await session.delete()
            throw error
        }
    }

    func forget(session id: String) { sessions.withLock { _ = $0.remove(id) } }

    /// Deletes the sessions left open (their browsers quit) and stops chromedriver.
    public func shutdown() async {
        for id in sessions.withLock({ $0 }) {
            _ = try? await http.send("DELETE", "\(url)/session/\(id)")
        }
        sessions.withLock { $0.removeAll() }
        await stop()
    }

    /// Stops chromedriver: SIGTERM, and SIGKILL if it is still there two seconds later (chromedriver may ignore
    /// SIGTERM while a browser is starting).
    public func stop() async {
        guard
            let process = self.process.withLock({ process in
                defer { process = nil }; return process
            })
        else { return }
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + .seconds(2)
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        }
    }

    /// A loopback port nothing listens on now (bound and released: chromedriver takes it right after).
    public static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        guard port > 0 else { throw WebDriverError(error: "client", message: "no free port") }
        return port
    }
}

/// One browser: a WebDriver session. Commands wait for chromedriver's answer; navigation waits for the page to
/// load, but a click that submits a form does not (wait for an element of the next page: `waitForElement`).
public struct BrowserSession: Sendable {
    public let id: String
    let driver: ChromeDriver

    private var base: String { "\(driver.url)/session/\(id)" }

    @discardableResult
    func command(_ method: String, _ path: String, _ body: JSONValue? = nil) async throws -> JSONValue {
        try await driver.http.send(method, base + path, body ?? (method == "POST" ? .object([:]) : nil))
    }

    /// Opens `url` and waits for it to load.
    public func navigate(to url: String) async throws { try await command("POST", "/url", ["url": .string(url)]) }

    public func currentURL() async throws -> String { try await command("GET", "/url").string ?? "" }

    public func title() async throws -> String { try await command("GET", "/title").string ?? "" }

    /// The page's HTML as the browser has it now (scripts' changes included).
    public func pageSource() async throws -> String { try await command("GET", "/source").string ?? "" }

    /// The first element matching a CSS selector.
    /// - Throws: `WebDriverError` `no such element` when none matches now.
    public func findElement(css selector: String) async throws -> WebElement {
        let value = try await command(
            "POST", "/element", ["using": "css selector", "value": .string(selector)])
        return try WebElement(value, session: self)
    }

    /// Every element matching a CSS selector (none: an empty list).
    public func findElements(css selector: String) async throws -> [WebElement] {
        let value = try await command(
            "POST", "/elements", ["using": "css selector", "value": .string(selector)])
        return try (value.array ?? []).map { try WebElement($0, session: self) }
    }

    /// Waits until an element matches `selector`, polling; throws `timeout` naming the selector after `timeout`.
    public func waitForElement(
        css selector: String, timeout: Duration = .seconds(10), poll: Duration = .milliseconds(50)
    ) async throws -> WebElement {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let element = try await findElements(css: selector).first { return element }
            guard ContinuousClock.now < deadline else {
                throw WebDriverError(error: "timeout", message: "no element matches \(selector) after \(timeout)")
            }
            try await Task.sleep(for: poll)
        }
    }

    /// Waits until `condition` holds, polling; throws `timeout` with `description` after `timeout`.
    public func waitUntil(
        _ description: String, timeout: Duration = .seconds(10), poll: Duration = .milliseconds(50),
        _ condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await !condition() {
            guard ContinuousClock.now < deadline else {
                throw WebDriverError(error: "timeout", message: "\(description) did not happen within \(timeout)")
            }
            try await Task.sleep(for: poll)
        }
    }

    /// Runs a script in the page (`arguments` are the script's `arguments`) and returns what it returns.
    @discardableResult
    public func executeScript(_ script: String, arguments: [JSONValue] = []) async throws -> JSONValue {
        try await command("POST", "/execute/sync", ["script": .string(script), "args": .array(arguments)])
    }

    /// Writes a PNG of the viewport to `file`.
    public func screenshot(to file: URL) async throws {
        let value = try await command("GET", "/screenshot")
        guard let text = value.string, let png = Data(base64Encoded: text) else {
            throw WebDriverError(error: "client", message: "the screenshot is not base64")
        }
        try png.write(to: file)
    }

    /// Resizes the window (CSS pixels).
    public func setWindowSize(width: Int, height: Int) async throws {
        try await command("POST", "/window/rect", ["width": .number(Double(width)), "height": .number(Double(height))])
    }

    /// Ends the session; the browser quits.
    public func delete() async throws {
        defer { driver.forget(session: id) }
        try await driver.http.send("DELETE", base)
    }
}

/// An element of the page, valid until the page changes.
public struct WebElement: Sendable {
    /// W3C's key for an element reference.
    static let key = "element-6066-11e4-a52e-4f735466cecf"
    public let id: String
    let session: BrowserSession

    init(_ value: JSONValue, session: BrowserSession) throws {
        guard let id = value[Self.key]?.string else {
            throw WebDriverError(error: "client", message: "not an element reference: \(value)")
        }
        self.id = id
        self.session = session
    }

    @discardableResult
    private func command(_ method: String, _ path: String, _ body: JSONValue? = nil) async throws -> JSONValue {
        try await session.command(method, "/element/\(id)" + path, body)
    }

    public func click() async throws { try await command("POST", "/click") }

    /// Types `text` into the element (appends to what is there; `clear()` first to replace).
    public func sendKeys(_ text: String) async throws { try await command("POST", "/value", ["text": .string(text)]) }

    public func clear() async throws { try await command("POST", "/clear") }

    /// Chooses a local file in an `<input type=file>` (the path must exist on this machine).
    public func upload(file: URL) async throws { try await sendKeys(file.standardizedFileURL.path) }

    /// The rendered text.
    public func text() async throws -> String { try await command("GET", "/text").string ?? "" }

    /// An HTML attribute, nil when absent.
    public func attribute(_ name: String) async throws -> String? {
        try await command("GET", "/attribute/\(name)").string
    }

    /// A DOM property (`value` of a field, `checked` of a box…).
    public func property(_ name: String) async throws -> JSONValue { try await command("GET", "/property/\(name)") }

    public func isDisplayed() async throws -> Bool { try await command("GET", "/displayed").bool ?? false }

    /// The first descendant matching a CSS selector.
    public func findElement(css selector: String) async throws -> WebElement {
        let value = try await command("POST", "/element", ["using": "css selector", "value": .string(selector)])
        return try WebElement(value, session: session)
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { $1 }))
    }
}

/// chromedriver's HTTP: JSON in, `{"value": …}` out, W3C errors as `WebDriverError`.
struct WebDriverHTTP: Sendable {
    @discardableResult
    func send(_ method: String, _ url: String, _ body: JSONValue? = nil) async throws -> JSONValue {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        let bytes = try await response.body.collect(upTo: 256 << 20)
        let answer = try JSONDecoder().decode(JSONValue.self, from: Data(bytes.readableBytesView))
        let value = answer["value"] ?? .null
        guard response.status.code < 400 else {
            throw WebDriverError(
                error: value["error"]?.string ?? "HTTP \(response.status.code)",
                message: value["message"]?.string.map { String($0.prefix(500)) } ?? "\(value)")
        }
        return value
    }
}
