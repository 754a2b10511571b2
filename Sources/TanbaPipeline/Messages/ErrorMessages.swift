public import TanbaErrors

/// A language a participant reads the hub in: Kazakh, Russian or English. Codes are the same in every language.
public enum Language: String, Sendable, CaseIterable, Hashable {
    case kk, ru, en

    /// The language a client asks for: the first of an `Accept-Language` list (RFC 9110, weights honoured) that the
    /// hub speaks, by primary tag (`ru-RU` is Russian); English when none is.
    public static func negotiate(_ header: String?) -> Language {
        guard let header else { return .en }
        var choices: [(language: Language, weight: Double, order: Int)] = []
        for (order, item) in header.split(separator: ",").enumerated() {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first?.lowercased(), !tag.isEmpty else { continue }
            let primary = String(tag.split(separator: "-").first ?? "")
            var weight = 1.0
            for parameter in parts.dropFirst() where parameter.lowercased().hasPrefix("q=") {
                weight = Double(parameter.dropFirst(2)) ?? 0
            }
            if let language = Language(rawValue: primary), weight > 0 {
                choices.append((language, weight, order))
            }
        }
        return choices.sorted { $0.weight != $1.weight ? $0.weight > $1.weight : $0.order < $1.order }.first?
            .language ?? .en
    }

    /// The language of a POSIX locale name such as `kk_KZ.UTF-8` or `ru_RU`; nil for any other.
    public static func ofLocale(_ name: String?) -> Language? {
        guard let name, let primary = name.split(whereSeparator: { "_.-@".contains($0) }).first else { return nil }
        return Language(rawValue: primary.lowercased())
    }
}

/// What each error code says, in Kazakh, Russian and English: one sentence per code, the same in receipts, HTTP
/// answers and the command line. The format-logical controls' sentences are the rule catalogue's
/// (`RuleCatalogue`, docs/FLC.md); every other code's are here (English: the error catalogue's summary).
public enum ErrorMessages {
    /// The sentence for `code` in `language`.
    public static func text(_ code: ErrorCode, in language: Language) -> String {
        if let rule = RuleCatalogue.rule(code) {
            switch language {
            case .kk: return rule.kk
            case .ru: return rule.ru
            case .en: return rule.en
            }
        }
        switch language {
        case .kk: if let text = kazakh[code] { return text }
        case .ru: if let text = russian[code] { return text }
        case .en: break
        }
        return ErrorCatalogue.definition(of: code)?.summary ?? code.rawValue
    }

    /// Whether every catalogued code has a sentence in every language (a test keeps it so).
    public static var missing: [(ErrorCode, Language)] {
        ErrorCatalogue.all.flatMap { definition in
            Language.allCases.compactMap { language in
                let known =
                    RuleCatalogue.rule(definition.code) != nil || language == .en
                    || (language == .kk ? kazakh : russian)[definition.code] != nil
                return known ? nil : (definition.code, language)
            }
        }
    }

    static let kazakh: [ErrorCode: String] = [
        .xmlMalformed: "Кіріс деректер дұрыс құрылған XML 1.0 емес.",
        .xmlDoctypeForbidden: "Құжатта DOCTYPE бар: DTD, нысандар мен сыртқы сілтемелер қабылданбайды.",
        .xmlTooLarge: "Кіріс деректер белгіленген өлшем шегінен үлкен.",
        .xmlTooDeep: "Элементтердің кірістірілу тереңдігі белгіленген шектен асады.",
        .xsdInvalid: "Құжат өзінің XSD схемасына сәйкес келмейді; әр бұзушылық жолы мен элементімен көрсетілген.",
        .xsdUnknownDocument: "Түбір элементтің аттар кеңістігі мен атауы хабқа белгілі құжат түріне сәйкес келмейді.",
        .xsdSchemaBroken: "xsd/ қалтасындағы схема жүктелмеді немесе құрастырылмады.",
        .sigMissing: "Құжатта XMLDSig қолтаңбасы жоқ.",
        .sigMultiple: "Құжатта бірнеше қолтаңба бар.",
        .sigPlacement: "Signature элементі құжаттың түбір элементінің тікелей еншілес элементі емес.",
        .sigStructure: "Signature элементінде міндетті бөлік жоқ (SignedInfo, SignatureValue, Reference…).",
        .sigReferenceForbidden: "Қолтаңбада бүкіл құжатты қамтитын URI=\"\" бар бір ғана Reference болуы тиіс.",
        .sigTransformForbidden: "enveloped-signature мен C14N-нен басқа түрлендіру қолданылған (XSLT, XPath, Base64…).",
        .sigAlgorithmForbidden: "Рұқсат етілген тізімде жоқ қолтаңба, дайджест немесе канонизация алгоритмі.",
        .sigKeyInfoForbidden: "KeyInfo тек қол қоюшының X.509 сертификатын ғана қамтуы тиіс.",
        .sigCertificateMissing: "KeyInfo/X509Data ішінде қол қоюшының жарамды сертификаты жоқ.",
        .sigKeyTooWeak: "Қол қоюшының кілті тым әлсіз (RSA 2048 биттен аз немесе рұқсат етілмеген қисық).",
        .sigDigestMismatch: "Қол қойылған мазмұн қол қойылғаннан кейін өзгертілген: дайджест сәйкес келмейді.",
        .sigValueInvalid: "Қолтаңба мәні сертификат кілтімен расталмайды.",
        .certMalformed: "Сертификатты декодтау мүмкін емес.",
        .certUntrusted: "Сертификат сенім қоймасындағы аккредиттелген куәландырушы орталыққа дейін тізбектелмейді.",
        .certExpired: "Сертификаттың (немесе тізбектегі сертификаттың) мерзімі өтіп кеткен.",
        .certNotYetValid: "Сертификат (немесе тізбектегі сертификат) әлі жарамды емес.",
        .certRevoked: "Сертификатты оның куәландырушы орталығы кері қайтарып алған (CRL).",
        .certRevocationUnknown:
            "Тізбектегі куәландырушы орталық үшін жарамды CRL жоқ: кері қайтарып алу тексерілмейді.",
        .certChainInvalid: "Сертификаттар тізбегі басқа себеппен жарамсыз.",
        .certKeyPurpose: "Сертификат кілті қол қоюға арналмаған (мысалы, ҰКО аутентификация кілті).",
        .keyInvalid: "Қол қою кілтін жүктеу мүмкін емес немесе ол сертификатқа сәйкес келмейді.",
        .fileUnreadable: "Көрсетілген файлды оқу немесе жазу мүмкін емес.",
        .configInvalid: "Хабтың баптаулары жарамсыз.",
        .internal: "Хабтың немесе ол пайдаланатын кітапхананың ішкі ақауы.",
        .codeReturnNotAllowed: "Осы себеппен айналымнан шығарылған тауар айналымға қайтарыла алмайды.",
        .codeDuplicate: "Осы GTIN мен сериялық нөмірі бар код бұрыннан бар: кодтар екі рет шығарылмайды.",
        .codeForged: "Кодтың тексеру бөлігі сәйкес келмейді: код жалған немесе өзгертілген.",
        .codeNotLocked: "Код аталған жөнелту құжатымен бұғатталмаған.",
        .aggregationLevel: "Қаптама ішіндегісінен жоғары қаптау деңгейінде болуы тиіс.",
        .aggregationMixed: "Қаптама мен оның ішіндегісінің иесі мен мәртебесі бірдей болуы тиіс.",
        .aggregationCycle: "Қаптаманы өзінің ішіне салуға болмайды.",
        .aggregationNotChild: "Код бұл қаптаманың ішінде емес.",
        .aggregationEmpty: "Агрегация ешқандай ішіндегіні атамайды.",
        .participantUnknown: "Мұндай БСН немесе ЖСН бар қатысушы тіркелмеген.",
        .participantInvalid: "Қатысушының деректері жарамсыз (сәйкестендіргіш, рөлдер, тауар топтары).",
        .catalogInvalid: "Тауардың карточкасы жарамсыз (GTIN, тауар тобы, ел…).",
        .emissionKeyUnknown: "Код хабқа белгісіз эмиссия кілтін (AI 91) атайды.",
        .orderInvalid: "Кодтарға тапсырыс жарамсыз (саны шектен тыс…).",
        .storeFailure: "Деректер қоймасы істен шықты.",
        .storeConflict: "Шешім қабылданғаннан кейін деректер өзгерді; хаб қайта шешеді.",
        .gs1Empty: "Таңбалау коды немесе SSCC бос.",
        .gs1UnknownAI: "Код хабқа белгісіз қолданбалы идентификаторды пайдаланады.",
        .gs1Length: "Мән өз қолданбалы идентификаторы рұқсат ететіннен қысқа немесе ұзын, не бос.",
        .gs1Character: "Мәнде өз қолданбалы идентификаторы рұқсат етпейтін таңба бар.",
        .gs1CheckDigit: "GTIN немесе SSCC бақылау цифры қате.",
        .gs1Date: "Өндіру немесе жарамдылық күні дұрыс YYMMDD күні емес.",
        .gs1DuplicateAI: "Қолданбалы идентификатор кодта бірнеше рет кездеседі.",
        .gs1MissingAI: "Міндетті қолданбалы идентификатор жоқ: таңбалау кодына (01) мен (21), SSCC-ге (00) керек.",
        .gs1Syntax: "Кодтың құрылымы бұзылған (жабылмаған жақша, артық бөлгіш, белгісіз символика идентификаторы).",
        .gs1NationalFormat: "Код GS1 бойынша дұрыс, бірақ өз тауар тобының қазақстандық таңбалау коды емес.",
        .identifierInvalid: "ЖСН немесе БСН 12 цифрдан тұрмайды немесе бақылау цифры қате.",
        .authRequired: "Сұрауға қолтаңба арқылы кіргеннен кейінгі bearer-токен қажет.",
        .authChallenge: "Қол қойылған кіру сұрауы белгісіз, қолданылған немесе мерзімі өткен; жаңасын сұраңыз.",
        .authForbidden: "Кірген қатысушы бұл құжатты немесе кодты көре алмайды және оған әрекет ете алмайды.",
        .requestTooLarge: "Сұрау денесі хаб қабылдайтыннан үлкен.",
        .notFound: "Мұндай құжат, код немесе ресурс жоқ.",
        .methodNotAllowed:
            "Бұл маршрут мұндай HTTP әдісін қабылдамайды; қабылдайтындары Allow тақырыбында көрсетілген.",
        .requestInvalid: "Сұрау HTTP деңгейінде бұзылған және ешбір маршрутқа берілмеді.",
        .rateLimited: "Бұл клиенттен сұраулар тым көп; Retry-After секундтан кейін қайта жіберіңіз.",
        .requestParameterInvalid: "Сұрау параметрі белгісіз немесе оның мәні қате.",
        .auditBroken: "Аудит журналының хэш-тізбегі бұзылған: жазба өзгертілген, жойылған немесе орны ауыстырылған.",
        .storeUnavailable:
            "Деректер қоймасы қазір жазбаларды қабылдай алмайды: ештеңе өзгертілмеді; Retry-After секундтан кейін қайта жіберіңіз.",
        .serviceBusy: "Хаб өз сыйымдылығының шегінде: Retry-After секундтан кейін қайта жіберіңіз.",
        .fileNotRegular:
            "Алмасу қалтасындағы элемент қатысушының өз қалтасындағы қарапайым файл емес: ол оқылмай error/ қалтасына жылжытылды.",
    ]

    static let russian: [ErrorCode: String] = [
        .xmlMalformed: "Входные данные не являются правильно построенным XML 1.0.",
        .xmlDoctypeForbidden: "В документе есть DOCTYPE: DTD, сущности и внешние ссылки не принимаются.",
        .xmlTooLarge: "Входные данные больше установленного предела размера.",
        .xmlTooDeep: "Вложенность элементов глубже установленного предела.",
        .xsdInvalid: "Документ не соответствует своей XSD-схеме; каждое нарушение указано со строкой и элементом.",
        .xsdUnknownDocument:
            "Пространство имён и имя корневого элемента не соответствуют ни одному виду документа хаба.",
        .xsdSchemaBroken: "Схема из папки xsd/ не загрузилась или не скомпилировалась.",
        .sigMissing: "Документ не подписан подписью XMLDSig.",
        .sigMultiple: "Документ содержит больше одной подписи.",
        .sigPlacement: "Элемент Signature не является прямым потомком корневого элемента документа.",
        .sigStructure: "В элементе Signature нет обязательной части (SignedInfo, SignatureValue, Reference…).",
        .sigReferenceForbidden:
            "Подпись должна иметь ровно одну ссылку Reference с URI=\"\", охватывающую весь документ.",
        .sigTransformForbidden: "Использовано преобразование, кроме enveloped-signature и C14N (XSLT, XPath, Base64…).",
        .sigAlgorithmForbidden: "Алгоритм подписи, дайджеста или канонизации не из разрешённого списка.",
        .sigKeyInfoForbidden: "KeyInfo должен содержать только X.509-сертификат подписанта.",
        .sigCertificateMissing: "В KeyInfo/X509Data нет пригодного сертификата подписанта.",
        .sigKeyTooWeak: "Ключ подписанта слишком слабый (RSA короче 2048 бит или недопустимая кривая).",
        .sigDigestMismatch: "Подписанное содержимое изменено после подписания: дайджест не совпадает.",
        .sigValueInvalid: "Значение подписи не проверяется ключом сертификата.",
        .certMalformed: "Сертификат не удаётся декодировать.",
        .certUntrusted: "Сертификат не восходит к аккредитованному удостоверяющему центру из хранилища доверия.",
        .certExpired: "Срок действия сертификата (или сертификата в цепочке) истёк.",
        .certNotYetValid: "Сертификат (или сертификат в цепочке) ещё не действует.",
        .certRevoked: "Сертификат отозван своим удостоверяющим центром (CRL).",
        .certRevocationUnknown: "Для удостоверяющего центра в цепочке нет действующего CRL: отзыв проверить нельзя.",
        .certChainInvalid: "Цепочка сертификатов недействительна по иной причине.",
        .certKeyPurpose: "Ключ сертификата не предназначен для подписи (например, ключ аутентификации НУЦ).",
        .keyInvalid: "Ключ подписи не загружается или не соответствует сертификату.",
        .fileUnreadable: "Указанный файл не удаётся прочитать или записать.",
        .configInvalid: "Конфигурация хаба недействительна.",
        .internal: "Внутренний сбой хаба или используемой им библиотеки.",
        .codeReturnNotAllowed: "Товар, выведенный из оборота по этой причине, не может вернуться в оборот.",
        .codeDuplicate: "Код с такими GTIN и серийным номером уже существует: коды не выпускаются дважды.",
        .codeForged: "Проверочная часть кода не совпадает: код поддельный или изменён.",
        .codeNotLocked: "Код не заблокирован названным документом отгрузки.",
        .aggregationLevel: "Упаковка должна быть более высокого уровня, чем её содержимое.",
        .aggregationMixed: "У упаковки и её содержимого должны совпадать владелец и статус.",
        .aggregationCycle: "Упаковку нельзя вложить в саму себя.",
        .aggregationNotChild: "Код не находится в этой упаковке.",
        .aggregationEmpty: "Агрегация не называет содержимого.",
        .participantUnknown: "Участник с таким БИН или ИИН не зарегистрирован.",
        .participantInvalid: "Данные участника недействительны (идентификатор, роли, товарные группы).",
        .catalogInvalid: "Карточка товара недействительна (GTIN, группа, страна…).",
        .emissionKeyUnknown: "Код называет неизвестный хабу ключ эмиссии (AI 91).",
        .orderInvalid: "Заказ кодов недействителен (количество вне допустимых пределов…).",
        .storeFailure: "Сбой хранилища данных.",
        .storeConflict: "Данные изменились после принятия решения; хаб принимает решение заново.",
        .gs1Empty: "Код маркировки или SSCC пуст.",
        .gs1UnknownAI: "Код использует неизвестный хабу идентификатор применения.",
        .gs1Length: "Значение короче или длиннее, чем допускает его идентификатор применения, или пусто.",
        .gs1Character: "В значении есть символ, недопустимый для его идентификатора применения.",
        .gs1CheckDigit: "Неверная контрольная цифра GTIN или SSCC.",
        .gs1Date: "Дата производства или годности не является допустимой датой YYMMDD.",
        .gs1DuplicateAI: "Идентификатор применения встречается в коде больше одного раза.",
        .gs1MissingAI: "Нет обязательного идентификатора применения: коду маркировки нужны (01) и (21), SSCC — (00).",
        .gs1Syntax:
            "Нарушена структура кода (незакрытая скобка, лишний разделитель, неизвестный идентификатор символики).",
        .gs1NationalFormat: "Код допустим по GS1, но не является казахстанским кодом маркировки своей товарной группы.",
        .identifierInvalid: "ИИН или БИН не состоит из 12 цифр или неверна контрольная цифра.",
        .authRequired: "Для запроса нужен bearer-токен, полученный входом по подписи.",
        .authChallenge: "Подписанный запрос на вход неизвестен, уже использован или истёк; запросите новый.",
        .authForbidden: "Вошедший участник не может видеть этот документ или код и действовать с ним.",
        .requestTooLarge: "Тело запроса больше, чем принимает хаб.",
        .notFound: "Такого документа, кода или ресурса нет.",
        .methodNotAllowed: "Этот маршрут не принимает такой HTTP-метод; допустимые перечислены в заголовке Allow.",
        .requestInvalid: "Запрос повреждён на уровне HTTP и не передан ни одному маршруту.",
        .rateLimited: "Слишком много запросов от этого клиента; повторите через Retry-After секунд.",
        .requestParameterInvalid: "Параметр запроса неизвестен или его значение неверно.",
        .auditBroken: "Хэш-цепочка журнала аудита нарушена: запись изменена, удалена или переставлена.",
        .storeUnavailable:
            "Хранилище сейчас не принимает записи: ничего не изменено; повторите через Retry-After секунд.",
        .serviceBusy: "Хаб на пределе своей ёмкости: повторите через Retry-After секунд.",
        .fileNotRegular:
            "Элемент папки обмена не является обычным файлом папки участника: он перемещён в error/ без чтения.",
    ]
}
