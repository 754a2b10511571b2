import ArgumentParser
import Foundation
import TanbaFolders
import TanbaPipeline
import TanbaXML

struct FoldersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "folders",
        abstract: "EDI drop folders: ROOT/<BIN or IIN>/in → out (receipts), archive or error.",
        discussion: """
            Drop a document as in/NAME.xml.tmp and rename it to in/NAME.xml when complete; the hub claims it \
            (work/), writes out/NAME.receipt.xml atomically and moves the document to archive/ or error/. After a \
            crash, a restart decides what is left in work/ again without applying anything twice.
            """)

    @Argument(help: "The folders' root.") var root: String
    @Option(name: .long, help: "Create the folders of this participant (BIN/IIN) and exit.") var prepare: String?
    @Flag(name: .long, help: "One pass, then exit (otherwise poll until stopped).") var once = false
    @Option(name: .long, help: "Seconds between polls.") var interval: Double = 1
    @OptionGroup var trust: TrustOptions
    @OptionGroup var schemas: SchemaOptions
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var hub: HubOptions

    func run() throws {
        try reportingFailures(command: "folders", json: false) {
            let rootURL = URL(fileURLWithPath: root)
            if let prepare {
                // Creating folders needs no pipeline.
                try DropFolders.prepare(rootURL.appendingPathComponent(prepare))
                return print(
                    "folders ready: \(rootURL.appendingPathComponent(prepare).path)/{in,work,out,archive,error}")
            }
            let pipeline = try makePipeline(trust: trust, schemas: schemas, store: storeOptions, hub: hub)
            let folders = DropFolders(root: rootURL, pipeline: pipeline)
            if once {
                let pass = try folders.runOnce()
                print("\(pass.accepted.count) accepted, \(pass.rejected.count) rejected")
                // Items the pass could not finish: each was answered on its own, the pass went on.
                for failure in pass.failed { FileHandle.standardError.write(Data("tanba: \(failure)\n".utf8)) }
            } else {
                try folders.run(interval: interval)
            }
        }
    }
}
