public import TanbaErrors

/// One format-logical control rule: its stable code and what it says, in Kazakh, Russian and English.
public struct ControlRule: Sendable, Hashable {
    public let code: ErrorCode
    public let kk: String
    public let ru: String
    public let en: String
}

/// A versioned set of rules, chosen by the document's date: the receipt names the set a document was judged by.
///
/// What changes by product group (which groups need an expiry date or a conformity certificate, from when) is
/// reference data (`requires` in reference/product-groups.json), applied by the document's date as well.
public struct RuleSet: Sendable, Hashable {
    public let version: String
    /// ISO date from which documents dated that day or later use this set.
    public let validFrom: String
    public let rules: [ControlRule]

    /// Every rule set, oldest first.
    public static let all: [RuleSet] = [
        RuleSet(version: "2026.11.1", validFrom: "2020-01-01", rules: RuleCatalogue.rules),
        // Light industry's marking becomes mandatory on 2026-12-01: from then on its goods are introduced only with
        // their conformity certificate (EAEU TR CU 017/2011; reference/product-groups.json, `lp`).
        RuleSet(version: "2026.12.1", validFrom: "2026-12-01", rules: RuleCatalogue.rules),
    ]

    /// The set in force for a document dated `date` (ISO `YYYY-MM-DD`).
    public static func forDocument(dated date: String) -> RuleSet {
        all.last { $0.validFrom <= date } ?? all[0]
    }
}

/// Which rules each document type runs, in order: its type code, and each rule's name and the codes it reports.
public enum RuleComposition {
    public static var byDocumentType: [(type: String, rules: [(name: String, codes: [ErrorCode])])] {
        Handlers.all.map { handler in
            (handler.typeCode, handler.rules.map { (String(describing: type(of: $0)), $0.codes) })
        }
    }
}

/// The format-logical control catalogue: docs/FLC.md is generated from it (`tanba rules --markdown`).
public enum RuleCatalogue {
    public static let rules: [ControlRule] = [
        ControlRule(
            code: .authSenderUnknown, kk: "Жіберуші тіркелмеген қатысушы.",
            ru: "Отправитель не является зарегистрированным участником.",
            en: "The sender is not a registered participant."),
        ControlRule(
            code: .authNotRepresentative, kk: "Қол қоюшы жіберушінің атынан әрекет ете алмайды.",
            ru: "Подписант не вправе действовать от имени отправителя.", en: "The signer may not act for the sender."),
        ControlRule(
            code: .authRole, kk: "Қол қоюшының рөлі бұл құжат түріне рұқсат бермейді.",
            ru: "Роль подписанта не допускает этот вид документа.",
            en: "The signer's role does not allow this document type."),
        ControlRule(
            code: .flcNumberUsed, kk: "Жіберуші бұл құжат нөмірін басқа құжат үшін пайдаланған.",
            ru: "Отправитель уже использовал этот номер для другого документа.",
            en: "The sender already used this number for another document."),
        ControlRule(
            code: .flcDateInFuture, kk: "Күн болашақта.", ru: "Дата в будущем.", en: "The date is in the future."),
        ControlRule(
            code: .codeNotFound, kk: "Таңбалау коды табылмады.", ru: "Код маркировки не найден.",
            en: "The marking code does not exist."),
        ControlRule(
            code: .codeNotOwner, kk: "Код жіберушіге тиесілі емес.", ru: "Код не принадлежит отправителю.",
            en: "The code does not belong to the sender."),
        ControlRule(
            code: .codeStatus, kk: "Кодтың мәртебесі операцияға рұқсат бермейді.",
            ru: "Статус кода не допускает операцию.", en: "The code's status does not allow the operation."),
        ControlRule(
            code: .codeLocked, kk: "Код күтудегі жөнелтумен бұғатталған.",
            ru: "Код заблокирован незавершённой отгрузкой.", en: "The code is locked by a pending shipment."),
        ControlRule(
            code: .codeInPackage, kk: "Код қаптаманың ішінде.", ru: "Код находится в упаковке.",
            en: "The code is inside a package."),
        ControlRule(
            code: .catalogUnknownGTIN, kk: "GTIN каталогта жоқ.", ru: "GTIN отсутствует в каталоге.",
            en: "The GTIN is not in the catalogue."),
        ControlRule(
            code: .participantNotAllowed, kk: "Жіберуші бұл тауар тобына тіркелмеген.",
            ru: "Отправитель не зарегистрирован для этой товарной группы.",
            en: "The sender is not registered for this product group."),
        ControlRule(
            code: .flcLineAmount, kk: "Жолдың сомасы саны × бағасына тең емес.",
            ru: "Сумма строки не равна количеству × цене.", en: "The line amount is not quantity × price."),
        ControlRule(
            code: .flcVAT, kk: "ҚҚС сомасы мөлшерлемеге сәйкес емес.", ru: "Сумма НДС не соответствует ставке.",
            en: "The VAT amount does not match the rate."),
        ControlRule(
            code: .flcTotals, kk: "Жиынтықтар жолдардың қосындысына тең емес.", ru: "Итоги не равны сумме строк.",
            en: "The totals are not the sums of the lines."),
        ControlRule(
            code: .flcQuantityCodes, kk: "Кодтар саны жолдағы санға сәйкес емес.",
            ru: "Количество кодов не соответствует количеству в строке.",
            en: "The number of codes does not match the line's quantity."),
        ControlRule(
            code: .flcCodeGTIN, kk: "Кодтың GTIN-і жолдың GTIN-іне сәйкес емес.",
            ru: "GTIN кода не совпадает с GTIN строки.",
            en: "The code's GTIN is not the line's GTIN."),
        ControlRule(
            code: .flcCounterpartyUnknown, kk: "Контрагент тіркелмеген.", ru: "Контрагент не зарегистрирован.",
            en: "The counterparty is not registered."),
        ControlRule(
            code: .flcSelfShipment, kk: "Сатушы мен сатып алушы бір қатысушы.", ru: "Продавец и покупатель совпадают.",
            en: "Seller and buyer are the same participant."),
        ControlRule(
            code: .flcShipmentUnknown, kk: "Жауап берілетін жөнелту табылмады немесе жауап күтпейді.",
            ru: "Отгрузка, на которую дан ответ, не найдена или не ожидает ответа.",
            en: "The shipment answered does not exist or is not waiting for an answer."),
        ControlRule(
            code: .flcNotAddressee, kk: "Жөнелтуге тек сатып алушы жауап бере алады.",
            ru: "Ответить на отгрузку может только покупатель.", en: "Only the shipment's buyer may answer it."),
        ControlRule(
            code: .flcAnswerItems, kk: "Жауап жөнелтілген кодтардың бәрін бір реттен қамтуы тиіс.",
            ru: "Ответ должен учитывать каждый отгруженный код ровно один раз.",
            en: "The answer must account for every shipped code exactly once."),
        ControlRule(
            code: .flcBasisRequired, kk: "Бұл себеп үшін негіздеме құжаты қажет.",
            ru: "Для этой причины требуется документ-основание.", en: "This reason requires a basis document."),
        ControlRule(
            code: .flcDates, kk: "Күндер бір-біріне қайшы.", ru: "Даты противоречат друг другу.",
            en: "The dates contradict each other."),
        ControlRule(
            code: .flcExpiryRequired, kk: "Бұл тауар тобы үшін жарамдылық мерзімі міндетті.",
            ru: "Для этой товарной группы срок годности обязателен.",
            en: "This product group requires an expiry date."),
        ControlRule(
            code: .flcCertificateRequired, kk: "Бұл тауар тобы үшін сәйкестік сертификаты міндетті.",
            ru: "Для этой товарной группы сертификат соответствия обязателен.",
            en: "This product group requires a conformity certificate."),
        ControlRule(
            code: .flcExportToEAEU, kk: "ЕАЭО елдеріне тауар экспортпен емес, ЕАЭО-ға жөнелтумен шығарылады.",
            ru: "В страны ЕАЭС товар вывозится отгрузкой в ЕАЭС, а не экспортом.",
            en: "Goods to EAEU member states leave with an EAEU shipment, not an export."),
        ControlRule(
            code: .flcForeignTaxId, kk: "Сатып алушының салық нөмірі оның елінің үлгісіне сәйкес емес.",
            ru: "Налоговый номер покупателя не соответствует форме его страны.",
            en: "The buyer's taxpayer number is not in its country's form."),
        ControlRule(
            code: .flcGroupNotIssued, kk: "Бұл тауар тобы хаб шығаратын кодтармен таңбаланбайды.",
            ru: "Эта товарная группа не маркируется кодами, которые выпускает хаб.",
            en: "This product group is not marked with codes the hub issues."),
        ControlRule(
            code: .referenceUnknown, kk: "Мән анықтамалықта жоқ.", ru: "Значение отсутствует в справочнике.",
            en: "The value is not in the reference data."),
        ControlRule(
            code: .aggregationAlreadyInside, kk: "Код басқа қаптаманың ішінде.",
            ru: "Код уже находится в другой упаковке.",
            en: "The code is already inside another package."),
        ControlRule(
            code: .flcDocumentTypeUnsupported, kk: "Бұл құжат түрі әзірге өңделмейді.",
            ru: "Этот вид документа пока не обрабатывается.", en: "This document type is not processed yet."),
    ]

    public static func rule(_ code: ErrorCode) -> ControlRule? { rules.first { $0.code == code } }
}
